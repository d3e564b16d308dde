package io.switchboard.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Add Switchboard to your project" quotes the adoption integration test's project (src/it/adoption),
 * which the build compiles and tests against the artifacts it just made: this keeps the quotes and that project the
 * same, and keeps events-bom and the module table in step with the modules the build publishes.
 */
class AdoptionDocTest {

    private static final Path ROOT = Path.of("..");
    private static final Path README = ROOT.resolve("README.md");
    private static final Path SAMPLE = Path.of("src", "it", "adoption");

    @Test
    void theReadmeQuotesTheSampleProjectsDependencyBlocksWithTheCurrentVersion() throws Exception {
        String pom = Files.readString(SAMPLE.resolve("pom.xml")).replace("@project.version@", projectVersion());
        String readme = Files.readString(README);

        assertThat(readme).as("README.md quotes the sample pom's <dependencyManagement> (with the build's version)")
                .contains(block(pom, "dependencyManagement"));
        assertThat(readme).as("README.md quotes the sample pom's <dependencies>")
                .contains(block(pom, "dependencies"));
        assertThat(readme).as("README.md's Gradle snippet imports the BOM of the build's version")
                .contains("platform(\"io.switchboard:events-bom:" + projectVersion() + "\")");
    }

    @Test
    void theReadmeQuotesTheSampleRoutesAndTheirTestAsTheyCompile() throws Exception {
        String readme = Files.readString(README);
        Path sources = SAMPLE.resolve("src");

        assertThat(readme).as("README.md quotes ShopRoutes.java")
                .contains(Files.readString(sources.resolve("main/java/com/example/shop/ShopRoutes.java")));
        assertThat(readme).as("README.md quotes ShopRoutesTest.java")
                .contains(Files.readString(sources.resolve("test/java/com/example/shop/ShopRoutesTest.java")));
    }

    @Test
    void theBomManagesEveryPublishedModuleAtTheBuildsVersion() throws Exception {
        Element bom = parse(ROOT.resolve("events-bom/pom.xml"));
        List<String> managed = new ArrayList<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            assertThat(text(dependency, "groupId")).isEqualTo("io.switchboard");
            assertThat(text(dependency, "version")).isEqualTo("${project.version}");
            managed.add(text(dependency, "artifactId"));
        }

        assertThat(text(bom, "version")).as("events-bom's version moves with the parent's").isEqualTo(projectVersion());
        assertThat(bom.getElementsByTagName("parent").getLength())
                .as("events-bom has no parent, so importing it imports no third-party versions").isZero();
        assertThat(managed).as("events-bom lists every module the build publishes").containsAll(publishedModules());
    }

    @Test
    void theReadmeSaysWhichModuleForWhichNeedForEveryPublishedModule() throws Exception {
        String readme = Files.readString(README);
        String section = readme.substring(readme.indexOf("## Add Switchboard to your project"),
                readme.indexOf("**Before the first release"));

        for (String module : publishedModules()) {
            assertThat(section).as("the module table of README.md's \"Add Switchboard\" names " + module)
                    .contains("| `" + module + "` |");
        }
    }

    /** The modules of the reactor whose artifacts are deployed (all but those that skip deploy), the BOM aside. */
    private static List<String> publishedModules() throws Exception {
        List<String> published = new ArrayList<>();
        NodeList modules = parse(ROOT.resolve("pom.xml")).getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            Element pom = parse(ROOT.resolve(module).resolve("pom.xml"));
            boolean skipsDeploy = property(pom, "maven.deploy.skip").map(Boolean::parseBoolean).orElse(false);
            if (!module.equals("events-bom") && !skipsDeploy) {
                published.add(module);
            }
        }
        assertThat(published).as("published modules").contains("events-core", "events-test");
        return published;
    }

    private static String projectVersion() throws Exception {
        return text(parse(ROOT.resolve("pom.xml")), "version");
    }

    /** The child {@code name} of {@code <project>}, from its opening tag to its closing tag, as the file spells it. */
    private static String block(String xml, String name) {
        int start = xml.indexOf("\n  <" + name + ">");
        int end = xml.indexOf("\n  </" + name + ">", start);
        assertThat(start).as("<%s> in the sample pom", name).isNotNegative();
        return xml.substring(start + 1, end + name.length() + 6);
    }

    private static Element parse(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return document.getDocumentElement();
    }

    /** The text of the direct child {@code name} of {@code element}. */
    private static String text(Element element, String name) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && child.getNodeName().equals(name)) {
                return child.getTextContent().trim();
            }
        }
        throw new AssertionError("<" + element.getNodeName() + "> has no <" + name + ">");
    }

    private static Optional<String> property(Element pom, String name) {
        NodeList properties = pom.getElementsByTagName("properties");
        if (properties.getLength() == 0) {
            return Optional.empty();
        }
        NodeList values = ((Element) properties.item(0)).getElementsByTagName(name);
        return values.getLength() == 0 ? Optional.empty() : Optional.of(values.item(0).getTextContent().trim());
    }
}
