import { channelContractSuite } from '@kith/sdk/testing';
import { webhookFake } from './fake.js';
import { webhookChannel } from './plugin.js';

channelContractSuite('webhook', () => webhookChannel, webhookFake);
