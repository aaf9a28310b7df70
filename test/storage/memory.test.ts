import { InMemoryStorage } from '../../src/storage/memory';
import { describeStorageContract } from './storage-contract';

describeStorageContract('InMemoryStorage', async () => ({
  storage: new InMemoryStorage(),
  cleanup: async () => {},
}));
