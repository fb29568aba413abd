// RT review (issue #17): structure sets drawn over the images, their list; the DVH engine is common/rt.
export { StructureLayer, type StructureStyle } from './components/StructureLayer';
export { StructureList } from './components/StructureList';
export { useStructureSets, type LoadedStructureSet } from './components/useStructureSets';
export { structuresOnPlane, structureCentre } from './model/structuresOnPlane';
