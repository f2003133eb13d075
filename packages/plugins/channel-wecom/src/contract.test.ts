import { channelContractSuite } from '@kith/sdk/testing';
import { fakeWeCom } from './fake/index.js';
import { wecomChannel } from './plugin.js';

channelContractSuite('wecom', () => wecomChannel, fakeWeCom);
