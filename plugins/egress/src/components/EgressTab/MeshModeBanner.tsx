import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import { MeshMode } from '../../api/types';

/** One sentence per mesh mode: what it means for the workloads' outbound traffic. */
export const MESH_MODE_SENTENCES: Record<MeshMode, string> = {
  ALLOW_ANY:
    'All outbound traffic passes; registering a host makes it visible and controllable.',
  REGISTRY_ONLY:
    'Only registered hosts are reachable; unregistered hosts are blocked.',
};

/**
 * The outbound mode that applies to the entity's workloads in one cluster,
 * and a namespace Sidecar that overrides the mesh-wide mode, if any.
 */
export const MeshModeBanner = (props: {
  meshMode?: MeshMode;
  sidecarMode?: MeshMode;
  sidecarOverride?: string;
}) => {
  const { meshMode, sidecarMode, sidecarOverride } = props;
  const effective = sidecarMode ?? meshMode;
  if (!effective) {
    return (
      <Typography variant="body2" paragraph>
        The mesh mode of this cluster is not known yet.
      </Typography>
    );
  }
  return (
    <Box mb={2} role="note" aria-label="Mesh mode">
      <Typography variant="body2">
        <strong>{effective}</strong>: <span>{MESH_MODE_SENTENCES[effective]}</span>
      </Typography>
      {sidecarMode && (
        <Typography variant="body2">
          The namespace Sidecar <code>{sidecarOverride ?? '(unnamed)'}</code>{' '}
          overrides the mesh-wide mode{meshMode ? ` (${meshMode})` : ''} for
          workloads without their own Sidecar.
        </Typography>
      )}
    </Box>
  );
};
