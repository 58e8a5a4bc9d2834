/**
 * The tables several modules share, by owner: the CQL and SQL statements of each (messages, users
 * and tokens, channels and members, webhooks, push subscriptions), the TIMEUUIDs that identify
 * messages and the buckets that partition them.
 */
package dev.chat.common.store;
