import { channelContractSuite } from '@kith/sdk/testing';
import { emailFake } from './fake/provider.js';
import { emailChannel } from './plugin.js';

channelContractSuite('email', () => emailChannel, emailFake);
