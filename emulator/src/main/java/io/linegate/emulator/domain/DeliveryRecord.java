package io.linegate.emulator.domain;

import java.time.Instant;
import java.util.List;

/**
 * One webhook request the emulator made. {@code reason}/{@code detail} follow the platform's error
 * statistics vocabulary (Messaging API docs, "Receive messages (webhook)" and "Check webhook error statistics"): OK, ERROR_STATUS_CODE, REQUEST_TIMEOUT, COULD_NOT_CONNECT,
 * UNCLASSIFIED. {@code statusCode} is 0 when no response came back.
 */
public record DeliveryRecord(Instant time, String url, int statusCode, String reason, String detail,
        List<String> eventIds, boolean isRedelivery, long durationMs, int attempt) {

    public boolean success() {
        return statusCode >= 200 && statusCode < 300;
    }
}
