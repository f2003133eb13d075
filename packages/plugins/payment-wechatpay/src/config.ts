import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

const PlatformKey = Type.Object({
  serial: Type.String({
    minLength: 1,
    description:
      "The key's id as sent in Wechatpay-Serial: a platform certificate serial, or PUB_KEY_ID_… for the WeChat Pay public key",
  }),
  pem: Type.String({ minLength: 1, description: 'The WeChat Pay public key or platform certificate, PEM' }),
});

export const WechatPayConfig = Type.Object({
  baseUrl: BaseUrl('https://api.mch.weixin.qq.com'),
  mchId: Type.String({
    minLength: 1,
    description: 'Merchant id (商户号), Merchant Platform → Account centre',
  }),
  appId: Type.String({
    minLength: 1,
    description: 'AppID bound to the merchant (Official Account or Mini Program for JSAPI)',
  }),
  certSerial: Type.String({
    minLength: 1,
    description: 'Serial number of the merchant API certificate',
  }),
  privateKey: Secret({ description: 'Merchant API private key (apiclient_key.pem), PEM' }),
  apiV3Key: Secret({ description: 'APIv3 key (32 characters), Merchant Platform → API security' }),
  platformKeys: Type.Array(PlatformKey, {
    minItems: 1,
    description: 'Keys WeChat Pay signs with: during a rotation list the old and the new one',
  }),
  notifyUrl: Type.String({
    format: 'uri',
    description: "This instance's webhook URL (https), where WeChat Pay notifies",
  }),
  mode: Type.Optional(
    Type.Union([Type.Literal('native'), Type.Literal('jsapi')], {
      default: 'native',
      description: 'native: a QR code (code_url); jsapi: inside WeChat, for a payer with an openid',
    }),
  ),
  jsapiPage: Type.Optional(
    Type.String({
      format: 'uri',
      description:
        'JSAPI only: your page inside WeChat that calls getBrandWCPayRequest with the signed parameters in its query',
    }),
  ),
});
export type WechatPayConfig = Static<typeof WechatPayConfig>;
