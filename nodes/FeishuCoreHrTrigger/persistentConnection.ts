/**
 * The trigger's seam to the persistent-connection client (`longConnection/`): it opens the app's
 * connection, joins split messages and acknowledges each event after `onEvent` resolves (or rejects).
 */
export { openLongConnection } from './longConnection';
