/**
 * The request pipeline every emulated host shares: the route table, injected faults, authentication,
 * rate limits, retry keys, the OpenAPI check, and answers in LINE's error shape. Over the domain,
 * under the adapters. Internal to the emulator.
 */
package io.linegate.emulator.http;
