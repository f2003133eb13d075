import { channelContractSuite } from '@kith/sdk/testing';
import { sandboxFake } from './fake.js';
import { sandboxChannel } from './plugin.js';

channelContractSuite(
  'sandbox',
  () => sandboxChannel,
  () => sandboxFake(),
);
