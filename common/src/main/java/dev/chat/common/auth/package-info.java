/**
 * Who is calling: people's JWTs, bots' API tokens and the deactivated users that stop both,
 * checked alike by the api and the gateway.
 */
package dev.chat.common.auth;
