package io.switchboard.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.switchboard.api.ConfigurationException;
import io.switchboard.api.EventBus;
import io.switchboard.api.EventSource;
import io.switchboard.api.Trigger;
import io.switchboard.core.RuntimeObserver;
import io.switchboard.core.Switchboard;
import io.switchboard.spi.EventBusProvider;
import io.switchboard.spi.EventSourceProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Builds, starts and closes one {@link Switchboard} with the application context, from the {@code switchboard.*}
 * properties, {@link SwitchboardHandler} methods and handler beans, and {@link Trigger}, {@link EventSource},
 * {@link EventBus}, provider, {@link RuntimeObserver} and {@link SwitchboardBuilderCustomizer} beans.
 *
 * <p>Beans: {@link SwitchboardRoutes} (unless the application defines one), the {@link Switchboard} (unless the
 * application defines one, or {@code switchboard.enabled=false}), and the lifecycle that starts it after the context
 * is refreshed and drains it before beans are destroyed.
 */
@AutoConfiguration
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardAutoConfiguration {

    /** The routes declared by the application context, checked: fails startup naming every unbound handler. */
    @Bean
    @ConditionalOnMissingBean
    public SwitchboardRoutes switchboardRoutes(SwitchboardProperties properties,
                                               ConfigurableListableBeanFactory beanFactory,
                                               Environment environment,
                                               ResourceLoader resourceLoader,
                                               ObjectProvider<ObjectMapper> objectMapper,
                                               ObjectProvider<EventSource> sources,
                                               ObjectProvider<Trigger> triggers,
                                               ObjectProvider<EventBusProvider> busProviders,
                                               ObjectProvider<EventSourceProvider> sourceProviders,
                                               ObjectProvider<BusDecorator> busDecorators) {
        Supplier<ObjectMapper> json = new HandlerRegistry.Lazy<>(
                () -> objectMapper.getIfAvailable(() -> JsonMapper.builder().findAndAddModules().build()));
        HandlerRegistry handlers = HandlerRegistry.discover(beanFactory, json);

        Map<String, EventBus> busBeans = new LinkedHashMap<>();
        String primary = null;
        for (String name : beanFactory.getBeanNamesForType(EventBus.class)) {
            busBeans.put(name, beanFactory.getBean(name, EventBus.class));
            if (beanFactory.containsBeanDefinition(name) && beanFactory.getBeanDefinition(name).isPrimary()) {
                primary = name;
            }
        }
        if (busBeans.size() == 1 && properties.getClusterEventBus().isEmpty()) {
            primary = busBeans.keySet().iterator().next(); // the application's one bus is its default bus
        }
        List<EventBusProvider> busProviderList = busProviders.orderedStream().toList();
        BusDefaults busDefaults = BusDefaults.discover(resourceLoader.getClassLoader(), busProviderList, environment);
        List<UnaryOperator<EventBus>> decorators = new ArrayList<>(busDecorators.orderedStream().toList());
        ConfigFile file = ConfigFile.read(properties.getConfigFile(), resourceLoader);
        return SwitchboardRoutes.assemble(new SwitchboardRoutes.Parts(properties, environment::getProperty, handlers,
                busDefaults, busBeans, primary, sources.orderedStream().toList(), triggers.orderedStream().toList(),
                busProviderList, sourceProviders.orderedStream().toList(), decorators, file));
    }

    /** The runtime, built (not started: the lifecycle starts it once the context is refreshed). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "switchboard.enabled", matchIfMissing = true)
    public Switchboard switchboard(SwitchboardRoutes routes, ObjectProvider<RuntimeObserver> observers,
                                   ObjectProvider<SwitchboardBuilderCustomizer> customizers) {
        Switchboard.Builder builder = Switchboard.builder();
        routes.accept(builder);
        observers.orderedStream().forEach(builder::observer);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        try {
            return builder.build();
        } catch (ConfigurationException problems) {
            throw routes.explain(problems);
        }
    }

    /** Starts the runtime after the context is refreshed; drains it when the context closes. */
    @Bean
    @ConditionalOnSingleCandidate(Switchboard.class)
    @ConditionalOnBooleanProperty(name = "switchboard.enabled", matchIfMissing = true)
    SwitchboardLifecycle switchboardLifecycle(Switchboard switchboard, SwitchboardProperties properties) {
        return new SwitchboardLifecycle(switchboard, properties.getLifecycle().getPhase());
    }
}
