// Apache Jena (Debian's libapache-jena-java) as a user would drive lisgraph: RDFConnection's
// query methods, its Graph Store Protocol reads (fetch, fetchDataset) and RDFDataMgr following
// a thing's IRI. Prints one "name value" line per call; tests/system/test_jena.py reads them.
import org.apache.jena.rdfconnection.RDFConnection;
import org.apache.jena.rdfconnection.RDFConnectionRemote;
import org.apache.jena.riot.RDFDataMgr;

public class JenaProbe {
    public static void main(String[] args) {
        String root = args[0];
        String gsp = args[1];
        String lis = "https://w3id.org/lisgraph/def/lis#";
        String semlep = "https://w3id.org/lisgraph/id/lep/E37000057";
        try (RDFConnection conn = RDFConnectionRemote.create()
                .destination(root).queryEndpoint("sparql").gspEndpoint(gsp).build()) {
            conn.querySelect("SELECT ?n WHERE { ?w <" + lis + "waveNumber> ?n } ORDER BY ?n",
                row -> System.out.println("select " + row.getLiteral("n").getLexicalForm()));
            System.out.println("ask " + conn.queryAsk("ASK { <" + semlep + "> ?p ?o }"));
            System.out.println("construct " + conn.queryConstruct(
                "CONSTRUCT WHERE { ?s <" + lis + "waveNumber> ?o }").size());
            System.out.println("describe " + conn.queryDescribe("DESCRIBE <" + semlep + ">").size());
            System.out.println("fetch-graph " + conn.fetch(args[2]).size());
            System.out.println("fetch-default " + conn.fetch().size());
            System.out.println("fetch-dataset " + conn.fetchDataset().asDatasetGraph().size());
        }
        System.out.println("load " + RDFDataMgr.loadModel(root + "id/lep/E37000057").size());
        System.out.println("load-dump " + RDFDataMgr.loadDatasetGraph(root + "downloads/lisgraph.nq")
            .stream().count());
    }
}
