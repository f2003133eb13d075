import { channelContractSuite } from '@kith/sdk/testing';
import { fakeTelegram } from './fake/index.js';
import { telegramChannel } from './plugin.js';

channelContractSuite('telegram', () => telegramChannel, fakeTelegram);
