package io.switchboard.spring;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.switchboard.api.AsyncEventHandler;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventHandler;
import io.switchboard.api.Firing;
import io.switchboard.api.FiringHandler;
import io.switchboard.api.NonRetryableException;
import io.switchboard.api.ReplyHandler;
import io.switchboard.api.Sink;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The named handlers of an application context: {@link SwitchboardHandler} methods and beans of the handler
 * interfaces (bound by bean name).
 *
 * <p>Discovery reads bean <em>types</em> only; handler beans are fetched from the factory on their first call. That
 * lets a handler bean inject the {@code Switchboard} it is called by (to publish follow-up events) without a
 * dependency cycle: the runtime is built before its handler beans exist.
 */
final class HandlerRegistry {

    /** The handler interfaces a bean may implement, in the order a bean implementing several is bound by. */
    private static final List<Class<?>> HANDLER_TYPES = List.of(Sink.class, ReplyHandler.class,
            AsyncEventHandler.class, FiringHandler.class, EventHandler.class);

    /** One named handler and where it came from (for messages). */
    record Handler(String name, String origin, Supplier<Sink> sink) {
    }

    private final Map<String, Handler> handlers;

    private HandlerRegistry(Map<String, Handler> handlers) {
        this.handlers = handlers;
    }

    /**
     * Finds every handler of {@code beans}.
     *
     * @throws ConfigurationException naming every handler name provided twice (both providers) and every invalid
     *                                {@link SwitchboardHandler} method
     */
    static HandlerRegistry discover(ListableBeanFactory beans, Supplier<ObjectMapper> json) {
        Map<String, List<Handler>> found = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        for (String beanName : beans.getBeanDefinitionNames()) {
            Class<?> type = beans.getType(beanName, false);
            if (type == null) {
                continue;
            }
            Class<?> userType = ClassUtils.getUserClass(type);
            Map<Method, SwitchboardHandler> methods = Map.of();
            try {
                // java.* and other classes that cannot carry the annotation are skipped without reading their methods
                if (AnnotationUtils.isCandidateClass(userType, SwitchboardHandler.class)) {
                    methods = MethodIntrospector.selectMethods(userType,
                            (MethodIntrospector.MetadataLookup<SwitchboardHandler>) m ->
                                    AnnotatedElementUtils.findMergedAnnotation(m, SwitchboardHandler.class));
                }
            } catch (LinkageError | IllegalStateException unreadable) {
                // a class whose methods refer to classes missing at run time (Spring reports it as IllegalStateException)
                // has no handler method we could call
                methods = Map.of();
            }
            for (Map.Entry<Method, SwitchboardHandler> e : methods.entrySet()) {
                Method method = e.getKey();
                String name = e.getValue().value();
                String origin = "method " + describe(method) + " of bean '" + beanName + "'";
                if (name == null || name.isBlank()) {
                    errors.add(origin + " has a blank @SwitchboardHandler name: give it the name subscribers use,"
                            + " e.g. @SwitchboardHandler(\"ship\")");
                    continue;
                }
                try {
                    MethodHandler invoker = MethodHandler.of(name, beans, beanName, AopUtils.selectInvocableMethod(
                            method, type), json);
                    found.computeIfAbsent(name, k -> new ArrayList<>()).add(new Handler(name, origin, invoker::sink));
                } catch (ConfigurationException invalid) {
                    errors.add(origin + ": " + invalid.getMessage());
                }
            }
            for (Class<?> handlerType : HANDLER_TYPES) {
                if (handlerType.isAssignableFrom(type)) {
                    String origin = "bean '" + beanName + "' (" + handlerType.getSimpleName() + ", "
                            + userType.getName() + ")";
                    found.computeIfAbsent(beanName, k -> new ArrayList<>())
                            .add(new Handler(beanName, origin, () -> beanSink(beans, beanName, handlerType)));
                    break;
                }
            }
        }
        Map<String, Handler> unique = new LinkedHashMap<>();
        for (Map.Entry<String, List<Handler>> e : found.entrySet()) {
            if (e.getValue().size() > 1) {
                errors.add("handler '" + e.getKey() + "' is ambiguous: it is provided by "
                        + e.getValue().stream().map(Handler::origin).collect(Collectors.joining(" and by "))
                        + "; give each a distinct name (the @SwitchboardHandler value or the bean name)");
            } else {
                unique.put(e.getKey(), e.getValue().get(0));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigurationException(errors.size() == 1 ? errors.get(0)
                    : errors.size() + " handler problems:\n  - " + String.join("\n  - ", errors));
        }
        return new HandlerRegistry(unique);
    }

    /** The handler names, sorted. */
    Set<String> names() {
        return new TreeMap<>(handlers).keySet();
    }

    /** The handler of {@code name}, or {@code null}. */
    Handler find(String name) {
        return handlers.get(name);
    }

    /** Every handler, one line each: name and origin (for messages). */
    String describeAll() {
        if (handlers.isEmpty()) {
            return "the application context has no handlers (no @SwitchboardHandler method and no bean of EventHandler,"
                    + " FiringHandler, ReplyHandler, AsyncEventHandler or Sink)";
        }
        return "handlers in the application context: " + new TreeMap<>(handlers).values().stream()
                .map(h -> "'" + h.name() + "' (" + h.origin() + ")").collect(Collectors.joining(", "));
    }

    private static Sink beanSink(ListableBeanFactory beans, String beanName, Class<?> handlerType) {
        if (handlerType == Sink.class) {
            return beans.getBean(beanName, Sink.class); // a value, safe to fetch while the runtime is built
        }
        Lazy<Object> bean = new Lazy<>(() -> beans.getBean(beanName));
        if (handlerType == ReplyHandler.class) {
            return Sink.replying(event -> ((ReplyHandler) bean.get()).handle(event));
        } else if (handlerType == AsyncEventHandler.class) {
            return Sink.async(event -> ((AsyncEventHandler) bean.get()).handle(event));
        } else if (handlerType == FiringHandler.class) {
            return Sink.firing(firing -> ((FiringHandler) bean.get()).handle(firing));
        }
        return Sink.handler(event -> ((EventHandler) bean.get()).handle(event));
    }

    private static String describe(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
                + ")";
    }

    /** A value computed once, on first use, by whichever thread gets there first. */
    static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> supplier;
        private volatile T value;

        Lazy(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = supplier.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }

    /** Calls one {@link SwitchboardHandler} method with arguments taken from the firing. */
    static final class MethodHandler {
        private final String name;
        private final Method method;
        private final Lazy<Object> bean;
        private final List<Function<Firing, Object>> arguments;
        private final Kind kind;

        private enum Kind { VOID, REPLY, ASYNC }

        private MethodHandler(String name, Method method, Lazy<Object> bean, List<Function<Firing, Object>> arguments,
                              Kind kind) {
            this.name = name;
            this.method = method;
            this.bean = bean;
            this.arguments = arguments;
            this.kind = kind;
        }

        static MethodHandler of(String name, ListableBeanFactory beans, String beanName, Method method,
                                Supplier<ObjectMapper> json) {
            List<Function<Firing, Object>> arguments = new ArrayList<>();
            boolean event = false;
            boolean firing = false;
            Parameter payload = null;
            for (Parameter p : method.getParameters()) {
                if (p.getType() == CloudEvent.class) {
                    if (event) {
                        throw duplicate(method);
                    }
                    event = true;
                    arguments.add(Firing::event);
                } else if (p.getType() == Firing.class) {
                    if (firing) {
                        throw duplicate(method);
                    }
                    firing = true;
                    arguments.add(f -> f);
                } else {
                    if (payload != null) {
                        throw duplicate(method);
                    }
                    if (p.getType().isPrimitive()) {
                        throw new ConfigurationException("parameter '" + p.getName() + "' is of the primitive type "
                                + p.getType() + ", which an event's data cannot be null for: use its wrapper type");
                    }
                    payload = p;
                    arguments.add(new PayloadReader(name, p, json));
                }
            }
            Class<?> returns = method.getReturnType();
            Kind kind;
            if (returns == void.class || returns == Void.class) {
                kind = Kind.VOID;
            } else if (returns == CloudEvent.class) {
                kind = Kind.REPLY;
            } else if (CompletionStage.class.isAssignableFrom(returns)) {
                kind = Kind.ASYNC;
            } else {
                throw new ConfigurationException("it returns " + returns.getSimpleName() + ": return void, a CloudEvent"
                        + " (the reply) or a CompletionStage (an asynchronous attempt)");
            }
            ReflectionUtils.makeAccessible(method);
            return new MethodHandler(name, method, new Lazy<>(() -> beans.getBean(beanName)), List.copyOf(arguments),
                    kind);
        }

        private static ConfigurationException duplicate(Method method) {
            return new ConfigurationException("its parameters " + Arrays.toString(method.getParameterTypes())
                    + " are not accepted: take at most one CloudEvent, one Firing and one payload parameter");
        }

        Sink sink() {
            Sink.Invoker invoker = firing -> {
                Object result = call(firing);
                return switch (kind) {
                    case VOID -> CompletableFuture.completedFuture(null);
                    case REPLY -> CompletableFuture.completedFuture((CloudEvent) result);
                    case ASYNC -> {
                        if (result == null) {
                            throw new IllegalStateException("handler '" + name + "' (" + method + ") returned a null"
                                    + " CompletionStage: return a completed stage instead");
                        }
                        yield ((CompletionStage<?>) result).thenApply(ignored -> (CloudEvent) null);
                    }
                };
            };
            return new Sink.Invoke(invoker, kind == Kind.REPLY);
        }

        private Object call(Firing firing) throws Exception {
            Object[] args = new Object[arguments.size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = arguments.get(i).apply(firing);
            }
            try {
                return method.invoke(bean.get(), args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }

    /** Reads the completing event's data as the payload parameter's type. */
    static final class PayloadReader implements Function<Firing, Object> {
        private final String handler;
        private final Parameter parameter;
        private final Lazy<JavaType> type;
        private final Supplier<ObjectMapper> json;

        PayloadReader(String handler, Parameter parameter, Supplier<ObjectMapper> json) {
            this.handler = handler;
            this.parameter = parameter;
            this.json = json;
            this.type = new Lazy<>(() -> json.get().constructType(parameter.getParameterizedType()));
        }

        @Override
        public Object apply(Firing firing) {
            CloudEvent event = firing.event();
            CloudEventData data = event.getData();
            if (data == null) {
                return null;
            }
            byte[] bytes = data.toBytes();
            Class<?> raw = parameter.getType();
            if (raw == byte[].class) {
                return bytes;
            }
            String contentType = event.getDataContentType();
            boolean isJson = contentType == null || contentType.contains("json");
            if (raw == String.class && !isJson) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            try {
                return json.get().readValue(bytes, type.get());
            } catch (Exception e) {
                // the same bytes will not read better on a retry
                throw new NonRetryableException("handler '" + handler + "' could not read the data of event '"
                        + event.getId() + "' (type " + event.getType() + ", content type " + contentType + ") as "
                        + parameter.getParameterizedType().getTypeName() + ": " + e.getMessage(), e);
            }
        }
    }
}
