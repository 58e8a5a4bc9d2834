/**
 * The one consumer loop on {@code chat-messages} that the persister and the notifier run as
 * handlers: decode and validate once, commit after the handler, one dead-letter policy.
 */
package dev.chat.common.feed;
