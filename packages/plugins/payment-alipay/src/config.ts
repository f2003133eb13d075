import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

export const AlipayConfig = Type.Object({
  baseUrl: BaseUrl('https://openapi.alipay.com/gateway.do'),
  appId: Type.String({
    minLength: 1,
    description: 'APPID of the app on Alipay Open Platform (开放平台 → 应用信息)',
  }),
  privateKey: Secret({ description: 'App private key (应用私钥), RSA2, PEM or bare base64' }),
  keyType: Type.Optional(
    Type.Union([Type.Literal('PKCS1'), Type.Literal('PKCS8')], {
      default: 'PKCS1',
      description: 'Format of a bare base64 private key; a PEM header decides by itself',
    }),
  ),
  alipayPublicKey: Type.String({
    minLength: 1,
    description: 'Alipay public key (支付宝公钥, not the app public key): verifies answers and notifications',
  }),
  notifyUrl: Type.String({
    format: 'uri',
    description: "This instance's webhook URL, where Alipay posts notifications",
  }),
  mode: Type.Optional(
    Type.Union([Type.Literal('precreate'), Type.Literal('page')], {
      default: 'precreate',
      description: 'precreate: a QR code to scan (当面付); page: a desktop cashier page URL (电脑网站支付)',
    }),
  ),
  returnUrl: Type.Optional(
    Type.String({ format: 'uri', description: 'page mode: where the payer returns after paying' }),
  ),
  notifyToleranceSeconds: Type.Optional(
    Type.Integer({
      minimum: 60,
      default: 300,
      description:
        'How old a notification (its signed notify_time) may be; each redelivery carries a fresh one',
    }),
  ),
});
export type AlipayConfig = Static<typeof AlipayConfig>;
