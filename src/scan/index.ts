export {
  classifyFile,
  discoverFiles,
  findReferences,
  findReferencesInFile,
  type DiscoverOptions,
  type FileKind,
} from "./discover-files.js";
export { findComposeReferences } from "./compose-references.js";
export { findDockerfileReferences } from "./dockerfile-references.js";
export { findKubernetesReferences } from "./kubernetes-references.js";
export { findWorkflowReferences } from "./workflow-references.js";
export { lineAndColumn, type FoundReference, type PinTarget, type ReferenceKind } from "./found-reference.js";
export { applyEdits, pinEdit, pinnedText, unpinEdit, unpinnedText, type TextEdit } from "./rewrite.js";
