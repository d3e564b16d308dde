package io.switchboard.cesql;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A call of a user-defined function. Arguments arrive cast to the declared parameter types; an errored argument
 * means the function is not called and the call yields the zero value of the return type. Whatever the function
 * does wrong (throws, returns null or the wrong type) becomes a FunctionEvaluationError and the zero value.
 * Unlike the built-ins this path allocates (the argument array and the call object): user code needs objects.
 */
final class UserFunctionCall {

    private UserFunctionCall() {
    }

    static Node create(String name, CesqlType returnType, CesqlFunction body, Node[] args, int pos) {
        Invoker invoker = new Invoker(name, returnType, body, args, pos);
        int depth = args.length == 0 ? 1 : Node.depthOf(args);
        return switch (returnType) {
            case BOOLEAN -> new Node.BoolNode(pos, depth, false) {
                @Override
                boolean evalBool(CloudEvent event, Errors errors) {
                    return (Boolean) invoker.invoke(event, errors);
                }
            };
            case INTEGER -> new Node.IntNode(pos, depth, false) {
                @Override
                int evalInt(CloudEvent event, Errors errors) {
                    return (Integer) invoker.invoke(event, errors);
                }
            };
            case STRING -> new Node.StrNode(pos, depth, false) {
                @Override
                String evalString(CloudEvent event, Errors errors) {
                    return (String) invoker.invoke(event, errors);
                }
            };
        };
    }

    private static final class Invoker {
        final String name;
        final CesqlType returnType;
        final CesqlFunction body;
        final Node[] args;
        final int pos;

        Invoker(String name, CesqlType returnType, CesqlFunction body, Node[] args, int pos) {
            this.name = name;
            this.returnType = returnType;
            this.body = body;
            this.args = args;
            this.pos = pos;
        }

        Object invoke(CloudEvent event, Errors errors) {
            int mark = errors.count;
            Object[] values = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                values[i] = args[i].evalObject(event, errors);
            }
            if (errors.count != mark) {
                return returnType.zeroValue();
            }
            Call call = new Call(event, values);
            Object result;
            try {
                result = body.apply(call);
            } catch (Exception e) {
                errors.function(name, "the function threw " + e + "; its result is the zero value", pos);
                return returnType.zeroValue();
            } finally {
                call.done = true;
            }
            if (!returnType.isInstance(result)) {
                errors.function(name, "the function returned " + (result == null ? "null"
                        : "a " + result.getClass().getName()) + " but is declared to return " + returnType
                        + "; its result is the zero value", pos);
                return returnType.zeroValue();
            }
            if (call.reported != null) {
                for (String message : call.reported) {
                    errors.function(name, message, pos);
                }
            }
            return result;
        }
    }

    private static final class Call implements CesqlCall {
        final CloudEvent event;
        final Object[] values;
        List<String> reported;
        boolean done;

        Call(CloudEvent event, Object[] values) {
            this.event = event;
            this.values = values;
        }

        @Override
        public CloudEvent event() {
            return event;
        }

        @Override
        public int argumentCount() {
            return values.length;
        }

        @Override
        public Object argument(int index) {
            return values[index];
        }

        @Override
        public void reportError(String message) {
            if (done) {
                throw new IllegalStateException("reportError called after the function returned; the call object "
                        + "is only valid during CesqlFunction.apply");
            }
            if (reported == null) {
                reported = new ArrayList<>(1);
            }
            // errors are reported after the function returns, so user code never sees the fail-fast abort
            reported.add(message == null || message.isEmpty() ? "the function reported an error" : message);
        }
    }
}
