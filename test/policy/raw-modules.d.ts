// Vite's ?raw imports: fixture files loaded as text inside workerd (no filesystem there).
declare module "*?raw" {
  const text: string;
  export default text;
}
