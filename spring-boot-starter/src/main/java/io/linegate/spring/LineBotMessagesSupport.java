package io.linegate.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.bot.parser.WebhookParseException;
import com.linecorp.bot.parser.WebhookParser;
import com.linecorp.bot.webhook.model.CallbackRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * {@link LineBotMessages} (and {@link LineBotDestination}) in the application's own controllers: the
 * interceptor reads the body (bounded), verifies and parses it before the method runs, or answers the
 * failure itself; the resolver hands the method the events and the destination.
 */
final class LineBotMessagesSupport implements HandlerInterceptor, HandlerMethodArgumentResolver {
    private static final String EVENTS = LineBotMessagesSupport.class.getName() + ".events";
    private static final String DESTINATION = LineBotMessagesSupport.class.getName() + ".destination";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebhookParser parser;
    private final long maxBodySize;

    LineBotMessagesSupport(WebhookParser parser, long maxBodySize) {
        this.parser = parser;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        if (!(handler instanceof HandlerMethod method) || !takesMessages(method)) {
            return true;
        }
        byte[] body = read(request.getInputStream());
        if (body == null) {
            return refuse(response, 413, "The request body is larger than " + maxBodySize + " bytes");
        }
        CallbackRequest callback;
        try {
            callback = parser.handle(request.getHeader(WebhookParser.SIGNATURE_HEADER_NAME), body);
        } catch (WebhookParseException e) {
            return refuse(response, 401, "Invalid signature: " + e.getMessage());
        } catch (IOException e) {
            return refuse(response, 400, "The request body is not a webhook");
        }
        request.setAttribute(EVENTS, callback.events());
        request.setAttribute(DESTINATION, callback.destination());
        return true;
    }

    private static boolean takesMessages(HandlerMethod method) {
        for (MethodParameter p : method.getMethodParameters()) {
            if (p.hasParameterAnnotation(LineBotMessages.class)) {
                return true;
            }
        }
        return false;
    }

    /** The body, or null past the limit (nothing more is read). */
    private byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            if (out.size() + (long) n > maxBodySize) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean refuse(HttpServletResponse response, int status, String message) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("details", List.of());
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(JSON.writeValueAsString(error).getBytes(StandardCharsets.UTF_8));
        return false;
    }

    /** A {@link LineBotMessages} parameter, and a {@link LineBotDestination} one beside it. */
    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        if (parameter.hasParameterAnnotation(LineBotMessages.class)) {
            return true;
        }
        if (!parameter.hasParameterAnnotation(LineBotDestination.class) || parameter.getMethod() == null) {
            return false;
        }
        for (Annotation[] annotations : parameter.getMethod().getParameterAnnotations()) {
            for (Annotation a : annotations) {
                if (a instanceof LineBotMessages) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
                                  WebDataBinderFactory binders) {
        String name = parameter.hasParameterAnnotation(LineBotMessages.class) ? EVENTS : DESTINATION;
        return request.getAttribute(name, RequestAttributes.SCOPE_REQUEST);
    }
}
