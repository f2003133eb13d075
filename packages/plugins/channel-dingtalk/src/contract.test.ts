import { channelContractSuite } from '@kith/sdk/testing';
import { dingtalkFake } from './fake/provider.js';
import { dingtalkChannel } from './plugin.js';

channelContractSuite('dingtalk', () => dingtalkChannel, dingtalkFake);
