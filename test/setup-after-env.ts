// n8n-core's SSH-tunnel manager (created with the first execution context of a test file) keeps a
// one-minute cleanup interval: end it after each file so jest exits by itself.
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

afterAll(() => Container.get(SSHClientsManager).onShutdown());
