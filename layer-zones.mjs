// Turns layers.json (the layer diagram) into zones for import-x/no-restricted-paths, so an import that
// points up the diagram, or sideways to a peer of the same layer, fails `npm run lint`.
import { readFileSync } from 'node:fs';

const { layers, downwardContracts, libraryNeverImports } = JSON.parse(
  readFileSync(new URL('./layers.json', import.meta.url), 'utf8'),
);

/** Every folder or file that belongs to a layer: the library code. */
export const libraryModules = layers.flatMap((layer) => layer.modules);

// Files of `from` that `by` may import although `from` sits above it (see layers.json).
function contractFiles(target, from) {
  const contract = downwardContracts.find((c) => c.from === from && c.by.includes(target));
  return contract === undefined ? [] : contract.files.map((file) => `./${file}`);
}

function zone(target, from, why) {
  const except = contractFiles(target, from);
  return {
    target,
    from,
    ...(except.length > 0 ? { except } : {}),
    message: `${target} may not import ${from}: ${why} (layers.json; ARCHITECTURE.md "Layers").`,
  };
}

/** One zone per (module, forbidden module) pair, so each error names both ends. */
export function layerZones() {
  const zones = [];
  layers.forEach((layer, i) => {
    for (const target of layer.modules) {
      for (const above of layers.slice(0, i).flatMap((l) => l.modules)) {
        zones.push(zone(target, above, 'it is in a layer above'));
      }
      for (const peer of layer.modules.filter((m) => m !== target)) {
        zones.push(zone(target, peer, 'peers of one layer do not import each other'));
      }
    }
  });
  zones.push({
    target: libraryModules,
    from: libraryNeverImports,
    message: 'library code never imports tests, benchmarks or examples (layers.json).',
  });
  return zones;
}
