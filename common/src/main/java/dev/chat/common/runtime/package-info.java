/**
 * What every service runs on: configuration loading and validated backend settings, the owners of
 * the Redis, Kafka, Cassandra and PostgreSQL clients with their readiness checks, and the
 * lifecycle around a service's routes.
 */
package dev.chat.common.runtime;
