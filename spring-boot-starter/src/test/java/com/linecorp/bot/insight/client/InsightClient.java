package com.linecorp.bot.insight.client;

import com.linecorp.bot.client.base.ApiAuthenticatedClientBuilder;
import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import retrofit2.http.GET;
import retrofit2.http.Query;

/**
 * A stand-in of the official {@code line-bot-insight-client}'s {@code InsightClient} (the registry here
 * does not serve that artifact), with its shape: the same class name, a Retrofit interface answering
 * {@code CompletableFuture<Result<...>>}, and {@code builder(ChannelTokenSupplier)} giving an
 * {@link ApiAuthenticatedClientBuilder} on LINE's API. The starter must find it by name and build it.
 */
public interface InsightClient {
    @GET("v2/bot/insight/followers")
    CompletableFuture<Result<Map<String, Object>>> getNumberOfFollowers(@Query("date") String date);

    static ApiAuthenticatedClientBuilder<InsightClient> builder(ChannelTokenSupplier channelTokenSupplier) {
        return new ApiAuthenticatedClientBuilder<>(URI.create("https://api.line.me"), InsightClient.class,
                response -> new IOException("insight answered " + response.code()), channelTokenSupplier);
    }
}
