// Style sheets are bundled by esbuild (into the entry's .css); importing one has no value.
declare module '*.css';
