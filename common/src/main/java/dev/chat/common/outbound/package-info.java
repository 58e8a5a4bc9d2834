/**
 * What the api and the notifier share about calls out to integrators and push services: the
 * webhook events and which target URLs may be called.
 */
package dev.chat.common.outbound;
