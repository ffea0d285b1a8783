export * from './alarm-topic';
export * from './compliance';
export * from './dead-letter-queue';
export * from './platform-stack';
export * from './stack-naming';
export * from './standard-function';
export * from './tagging';
export * from './template-lint';
