/** Helpers shared by the built-in sources; not part of the public API (the package is not exported). */
package io.switchboard.core.source.support;
