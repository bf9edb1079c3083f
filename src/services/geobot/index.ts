export {
  ActionRegistry,
  defineAction,
  UNKNOWN_ACTION,
  type ActionHandler,
  type GeobotAction,
  type ReceivedEnvelope,
} from './action-registry.ts';
export {
  readArmConfig,
  readGatewayConfig,
  readWorkerConfig,
  type ArmConfig,
  type GatewayConfig,
  type WorkerConfig,
  type ProcessorConfig,
} from './config.ts';
export { DEFAULT_GEOBOT_TOPICS, readGeobotTopics, type GeobotTopics } from './topics.ts';
export { InfoReplies, type Replier } from './info-replies.ts';
export { ProcessorService } from './processor.ts';
export { GeobotGateway } from './gateway/gateway.ts';
export { createArmService, GeobotUserStore } from './arm/service.ts';
export { createWorkerService } from './worker/service.ts';
export { runTask, haversineM, EARTH_RADIUS_M } from './worker/geometry.ts';
export { EmbeddedGeobot, type EmbeddedGeobotOptions } from './embedded.ts';
