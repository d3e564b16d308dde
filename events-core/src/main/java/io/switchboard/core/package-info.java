/**
 * The Switchboard runtime: build one with {@code Switchboard.builder()}.
 */
package io.switchboard.core;
