export * from './common.js';
export * from './community.js';
export * from './playbook.js';
export * from './plugins.js';
export * from './simulation.js';
export * from './steps.js';
export * from './testcase.js';
