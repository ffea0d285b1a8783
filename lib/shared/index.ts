export * from './alarm-topic';
export * from './cdk-function-logs';
export * from './compliance';
export * from './dead-letter-queue';
export * from './deploy-inputs';
export * from './platform-stack';
export * from './stack-naming';
export * from './stack-set';
export * from './standard-function';
export * from './tagging';
export * from './template-validation';
export {
  startTemplateValidationEngine,
  type TemplateValidationEngineOptions,
  ENGINE_NODE_FLAGS,
} from './validation-engine';
export * from './template-lint';
