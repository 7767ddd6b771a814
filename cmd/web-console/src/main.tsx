// Entry point of the console bundle: renders the app into #app.
import { render } from "preact";
import { App } from "./App";

render(<App />, document.getElementById("app")!);
