/**
 * The JSON the clients, the services, Kafka and Redis exchange: frames and events as records,
 * their validation rules and the one codec.
 */
package dev.chat.common.wire;
