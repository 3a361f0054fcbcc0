# The app servers behind Varnish (included by faxeif.vcl). An example for two gunicorn instances
# on this machine; each site (and each `make stack`) writes its own copy of this file and names
# its folder first in varnishd's vcl_path, so that faxeif.vcl is used as it is.

import directors;

# GET /healthz as nginx would send it (the site's host, https): the one address that answers
# without a database query's worth of work and is never redirected. A server missing 2 of the
# last 3 probes, a second apart, is taken out; it is back after 2 good ones.
probe healthz {
    .request =
        "GET /healthz HTTP/1.1"
        "Host: faxeifaellesskab.dk"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend app1 {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}

backend app2 {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}
