/**
 * Test support for applications using the starter: {@link io.switchboard.spring.test.InMemorySwitchboard}.
 */
package io.switchboard.spring.test;
