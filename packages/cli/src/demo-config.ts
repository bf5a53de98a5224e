/**
 * The HAProxy configuration `hapctl demo` runs on: two frontends (HTTP and TCP), three backends,
 * seven servers, an ACL file of blocked paths and a map of host names to backends. `${dir}` is the
 * fake cluster's folder, where the ACL and map files are written.
 */
export const DEMO_CONFIG = `global
    maxconn 4000
    stats socket \${dir}/haproxy\${index}.sock mode 600 level admin
    stats timeout 2m

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe_http
    bind 127.0.0.1:25080
    maxconn 2000
    acl blocked_path path_beg -f \${dir}/blocked.acl
    http-request deny if blocked_path
    use_backend %[req.hdr(host),lower,map(\${dir}/hosts.map,be_app)]
    default_backend be_app

frontend fe_db
    mode tcp
    bind 127.0.0.1:25432
    default_backend be_db

backend be_app
    balance roundrobin
    server web1 10.0.0.11:8080 check weight 100
    server web2 10.0.0.12:8080 check weight 100
    server web3 10.0.0.13:8080 check weight 50

backend be_api
    balance leastconn
    server api1 10.0.1.21:9000 check
    server api2 10.0.1.22:9000 check

backend be_db
    mode tcp
    server db1 10.0.2.31:5432 check
    server db2 10.0.2.32:5432 check backup
`;

/** The files the configuration references, written into the cluster's folder. */
export const DEMO_FILES: Record<string, string> = {
  'blocked.acl': '/admin\n/.git\n/wp-login.php\n',
  'hosts.map': 'api.example.com be_api\nwww.example.com be_app\n',
};
