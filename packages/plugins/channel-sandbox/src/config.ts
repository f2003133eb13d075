import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

/** The sandbox's development credentials, used when a playbook configures none (`use: sandbox`). */
export const DEV_TOKEN = 'sandbox-dev-token';
export const DEV_SIGNING_SECRET = 'sandbox-dev-signing-secret';

export const SandboxConfig = Type.Object({
  baseUrl: BaseUrl(
    'http://sandbox.kith.local',
    'Where the sandbox provider answers; the host routes it in memory.',
  ),
  token: Type.Optional(
    Secret({ description: 'API token the sandbox checks (default: the development token).' }),
  ),
  signingSecret: Type.Optional(
    Secret({ description: 'Key the sandbox signs member activity with (default: the development key).' }),
  ),
  inviteBaseUrl: Type.String({
    format: 'uri',
    default: 'https://sandbox.kith.local/join',
    description: 'Invite links are this URL with ?code=…',
  }),
});

export type SandboxConfig = Static<typeof SandboxConfig>;
