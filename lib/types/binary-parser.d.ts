// binary-parser ships typings that NodeNext resolution cannot reach through its "exports" map;
// point the ESM entry at the same declarations.
declare module 'binary-parser' {
  export * from 'binary-parser/dist/binary_parser.js';
}
