// The local ARC in a process of its own, driven by the activate benchmark over IPC: its servers
// then answer from another event loop, as real endpoints would, so the benchmark times only the
// failover tool's own work.
import { type EndpointMode, LocalArc } from '../../testing/privatelink-failover/arc-local';

export type PeerRequest = { op: 'start'; bad: number; mode: EndpointMode } | { op: 'states' } | { op: 'stop' };

let arc: LocalArc | undefined;

process.on('message', (request: PeerRequest) => {
  void (async () => {
    switch (request.op) {
      case 'start': {
        arc = await LocalArc.start({ initial: { primary: 'On', secondary: 'Off' } });
        const modes: Record<number, EndpointMode> = {};
        for (let k = 0; k < request.bad; k++) modes[k] = request.mode;
        await arc.setModes(modes);
        return process.send!({ manifest: arc.manifest(), controlPlaneUrl: arc.controlPlane.url });
      }
      case 'states':
        return process.send!({ states: arc!.states() });
      case 'stop':
        await arc?.stop();
        arc = undefined;
        return process.send!({});
    }
  })();
});

// The benchmark is gone (finished or failed): so is its peer.
process.on('disconnect', () => process.exit(0));
