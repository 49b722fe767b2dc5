# The Folio instances behind Varnish (deploy/varnish.vcl includes this file).
# Add one backend per instance and add it to the director; the probe takes
# an instance out of rotation while /healthz fails.
probe healthz {
	.url = "/healthz";
	.interval = 1s;
	.timeout = 1s;
	.window = 3;
	.threshold = 2;
}

backend folio1 {
	.host = "127.0.0.1";
	.port = "8080";
	.probe = healthz;
}

sub vcl_init {
	new folio = directors.round_robin();
	folio.add_backend(folio1);
}
