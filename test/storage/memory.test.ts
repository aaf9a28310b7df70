import { InMemoryStorage } from '../../src/storage/memory';
import { describeStorageContract } from '../../src/testing';

describeStorageContract('InMemoryStorage', async () => ({
  storage: new InMemoryStorage(),
  cleanup: async () => {},
}));
