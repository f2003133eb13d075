import { type ChannelCapability, PluginError } from '@kith/sdk';
import { withAccessToken } from './access-token.js';
import type { WeComConfig } from './config.js';
import { errorOf, type WeComAnswer } from './errcode.js';
import { qyapi } from './http.js';
import { newInviteCode, storeInvite } from './invite-codes.js';

interface ContactWay extends WeComAnswer {
  config_id?: string;
  qr_code?: string;
}

/**
 * A per-attribution invite: a 「联系我」 QR code (配置客户联系「联系我」方式,
 * https://developer.work.weixin.qq.com/document/path/92228) whose `state` is the invite code.
 * Whoever scans it adds the inviteUser as a contact, and WeCom's add_external_contact callback
 * carries the state back, which becomes member.joined with the code and its attribution.
 * A robot cannot make invites, so this needs the app secret; the group is the inviteUser's to
 * share (customer-group join links report no state in their callbacks).
 */
export const createInvite: ChannelCapability<WeComConfig>['createInvite'] = async (ctx, request) => {
  const user = ctx.config.inviteUser;
  if (user === undefined)
    throw PluginError.permanent('set inviteUser (and secret) to create WeCom invite QR codes');
  const code = newInviteCode();
  const answer = await withAccessToken(ctx, (token) =>
    qyapi<ContactWay>(
      ctx,
      '/cgi-bin/externalcontact/add_contact_way',
      { access_token: token },
      {
        type: 1,
        scene: 2,
        user: [user],
        state: code,
        remark: `kith ${request.attribution.referrer ?? ''}`.trim().slice(0, 30),
      },
    ),
  );
  const error = errorOf('add_contact_way', answer);
  if (error !== null) throw error;
  if (typeof answer.qr_code !== 'string' || typeof answer.config_id !== 'string')
    throw PluginError.transient('WeCom add_contact_way answered without a QR code');
  await storeInvite(ctx, code, {
    attribution: request.attribution,
    member: request.member,
    configId: answer.config_id,
  });
  return { code, url: answer.qr_code };
};
