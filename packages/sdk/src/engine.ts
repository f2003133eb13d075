/**
 * The engine's types a plugin host needs: effects out, events in. The one place the SDK imports
 * `@kith/engine`, and only types, so that plugins never load the runtime (they depend on the SDK
 * alone) and the dependency direction stays `engine` ← `sdk`.
 */
export type {
  CheckoutData,
  DeliveryResult,
  Effect,
  Effects,
  EventInput,
  GroupAddData,
  GroupOpenData,
  MessageButton,
  MessageData,
  PluginCallData,
  Recipient,
} from '@kith/engine';
