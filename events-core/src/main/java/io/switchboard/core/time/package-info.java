/** Schedulers: the system one, and a manual one whose time tests advance. */
package io.switchboard.core.time;
