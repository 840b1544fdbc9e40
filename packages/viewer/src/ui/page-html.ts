// The page, served at / : a shell that /viewer.js fills in. Nothing is loaded from elsewhere.
export const VIEWER_PAGE: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trace viewer</title>
<link rel="stylesheet" href="/viewer.css">
</head>
<body>
<header>
<h1>trace viewer</h1>
<nav><a class="tab" data-tab="traces" href="#/">Traces</a><a class="tab" data-tab="map" href="#/map">Service map</a></nav>
<span id="stats"></span>
</header>
<main id="app"></main>
<script src="/viewer.js"></script>
</body>
</html>
`;
