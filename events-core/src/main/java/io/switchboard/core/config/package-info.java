/**
 * Configuration files ({@code switchboard.yaml}): what a loaded file reports when it is wrong. Files are given to
 * {@code Switchboard.Builder.configuration(..)}; their format is described in docs/configuration.md and by the JSON
 * Schema {@code io/switchboard/core/config/switchboard.schema.json} on the class path.
 */
package io.switchboard.core.config;
