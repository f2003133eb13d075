import { channelContractSuite } from '@kith/sdk/testing';
import { feishuFake } from './fake/provider.js';
import { feishuChannel } from './plugin.js';

channelContractSuite('feishu', () => feishuChannel, feishuFake);
channelContractSuite(
  'feishu (plain callbacks, no Encrypt Key)',
  () => feishuChannel,
  () => feishuFake({ encryptKey: null }),
);
