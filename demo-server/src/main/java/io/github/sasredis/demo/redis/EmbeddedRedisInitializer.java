package io.github.sasredis.demo.redis;

import java.util.List;
import java.util.Map;

import io.github.sasredis.demo.DemoProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives the demo a Redis without any setup, and never a second one when a Redis is configured. It leaves the
 * application alone when {@code spring.data.redis.*} names a server (url, host, port, sentinel, cluster or
 * master/replica) or a {@link DataRedisConnectionDetails} bean is already defined. Otherwise it sends {@code PING} to
 * {@code demo.embedded-redis.probe-host}:{@code probe-port} (localhost:6379) and uses the Redis that answers; when
 * nothing answers it starts an {@link EmbeddedRedis} and points {@code spring.data.redis.host/port} at it.
 * <p>
 * It decides at the start of the context refresh, not when the initializer runs, so that it sees every property,
 * including those that tests add with {@code @DynamicPropertySource} after the initializers from
 * {@code spring.factories} have run. The started server is registered as a disposable singleton: it stops when the
 * context closes, and also when the refresh fails. Registered in {@code META-INF/spring.factories}.
 */
public class EmbeddedRedisInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	/** Name of the {@link EmbeddedRedis} bean when one was started. */
	public static final String BEAN_NAME = "demoEmbeddedRedis";

	/** Name of the property source that points Spring Data Redis at the chosen server. */
	public static final String PROPERTY_SOURCE_NAME = "demoRedis";

	private static final Log logger = LogFactory.getLog(EmbeddedRedisInitializer.class);

	private static final List<String> SERVER_PROPERTIES = List.of("url", "host", "port");

	private static final List<String> TOPOLOGY_PROPERTIES = List.of("sentinel", "cluster", "masterreplica");

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.addBeanFactoryPostProcessor(new Decision(context));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Runs before the configuration classes are parsed, once all initializers have contributed their properties.
	 */
	private static final class Decision implements BeanDefinitionRegistryPostProcessor, PriorityOrdered {

		private final ConfigurableApplicationContext context;

		Decision(ConfigurableApplicationContext context) {
			this.context = context;
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

		@Override
		public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
			ConfigurableEnvironment environment = this.context.getEnvironment();
			if (isRedisConfigured(environment) || hasConnectionDetails(registry)) {
				return;
			}
			DemoProperties.EmbeddedRedis properties = Binder.get(environment)
				.bind("demo.embedded-redis", Bindable.of(DemoProperties.EmbeddedRedis.class))
				.orElseGet(DemoProperties.EmbeddedRedis::new);
			String host = properties.getProbeHost();
			int port = properties.getProbePort();
			RedisProbe.Answer answer = RedisProbe.ping(host, port, properties.getProbeTimeout());
			if (answer.isRedis()) {
				logger.info("No Redis configured; using the Redis that answers on " + host + ":" + port
						+ ((answer == RedisProbe.Answer.AUTHENTICATION_REQUIRED)
								? " (it requires a password: set spring.data.redis.password)" : ""));
				pointAt(environment, host, port);
				return;
			}
			if (!properties.isEnabled()) {
				logger.info("No Redis configured, none answers on " + host + ":" + port
						+ " and demo.embedded-redis.enabled=false: connecting to the defaults of spring.data.redis");
				return;
			}
			if (answer == RedisProbe.Answer.NOT_REDIS) {
				logger.info("Something that is not a Redis listens on " + host + ":" + port);
			}
			EmbeddedRedis redis = EmbeddedRedis.start();
			if (registry instanceof DefaultListableBeanFactory beanFactory) {
				beanFactory.registerSingleton(BEAN_NAME, redis);
				beanFactory.registerDisposableBean(BEAN_NAME, redis);
			}
			else {
				// Not expected with SpringApplication: at least stop it with the context.
				this.context.addApplicationListener(new ApplicationListener<ContextClosedEvent>() {

					@Override
					public void onApplicationEvent(ContextClosedEvent event) {
						redis.destroy();
					}

				});
			}
			pointAt(environment, EmbeddedRedis.HOST, redis.port());
			logger.warn("No Redis configured and none answers on " + host + ":" + port
					+ ": started an embedded, in-memory Redis on " + EmbeddedRedis.HOST + ":" + redis.port()
					+ "; tokens live only as long as this process (set spring.data.redis.url to keep them)");
		}

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		}

		private static boolean isRedisConfigured(ConfigurableEnvironment environment) {
			ConfigurationPropertyName prefix = ConfigurationPropertyName.of("spring.data.redis");
			for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
				for (String property : SERVER_PROPERTIES) {
					if (source.getConfigurationProperty(prefix.append(property)) != null) {
						return true;
					}
				}
				for (String property : TOPOLOGY_PROPERTIES) {
					if (source.containsDescendantOf(prefix.append(property)) == ConfigurationPropertyState.PRESENT) {
						return true;
					}
				}
			}
			return false;
		}

		private static boolean hasConnectionDetails(BeanDefinitionRegistry registry) {
			return registry instanceof ConfigurableListableBeanFactory beanFactory
					&& beanFactory.getBeanNamesForType(DataRedisConnectionDetails.class, true, false).length > 0;
		}

		private static void pointAt(ConfigurableEnvironment environment, String host, int port) {
			environment.getPropertySources()
				.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
						Map.of("spring.data.redis.host", host, "spring.data.redis.port", port)));
		}

	}

}
