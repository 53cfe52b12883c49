package dev.runway.it.install;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * What {@code plutil -lint} checks, with the JDK's XML parser: well-formed XML, a {@code <plist version="1.0">} with
 * one value, and every value as Apple's PropertyList-1.0 DTD allows (dict = key/value pairs with unique keys,
 * integer/real/date/data/boolean text in their formats). Returns the value as Java objects.
 */
final class PropertyList {
    private PropertyList() {}

    static Object read(Path file) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // The DOCTYPE names Apple's DTD by URL; it is not fetched (no network, no XXE): the rules are checked below.
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document document = builder.parse(new InputSource(new StringReader(java.nio.file.Files.readString(file))));
            Element root = document.getDocumentElement();
            require(root.getTagName().equals("plist"), file, "the root element is <" + root.getTagName() + ">, not <plist>");
            require("1.0".equals(root.getAttribute("version")), file, "<plist> needs version=\"1.0\"");
            List<Element> values = children(root, file);
            require(values.size() == 1, file, "<plist> must hold exactly one value, holds " + values.size());
            return value(values.get(0), file);
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException(file + ": not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static Object value(Element element, Path file) throws IOException {
        String text = element.getTextContent();
        switch (element.getTagName()) {
            case "string":
                require(children(element, file).isEmpty(), file, "<string> holds elements");
                return text;
            case "integer":
                require(text.strip().matches("[+-]?[0-9]+"), file, "<integer> '" + text + "' is not an integer");
                return Long.parseLong(text.strip());
            case "real":
                try {
                    return Double.parseDouble(text.strip());
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": <real> '" + text + "' is not a number");
                }
            case "true":
            case "false":
                require(text.isEmpty() && children(element, file).isEmpty(), file, "<" + element.getTagName() + "/> must be empty");
                return element.getTagName().equals("true");
            case "date":
                require(text.strip().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"), file, "<date> '" + text + "'");
                return text.strip();
            case "data":
                try {
                    return Base64.getMimeDecoder().decode(text.strip());
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": <data> is not base64");
                }
            case "array": {
                List<Object> list = new ArrayList<>();
                for (Element child : children(element, file)) {
                    list.add(value(child, file));
                }
                return list;
            }
            case "dict": {
                Map<String, Object> dict = new LinkedHashMap<>();
                List<Element> entries = children(element, file);
                for (int i = 0; i < entries.size(); i += 2) {
                    Element key = entries.get(i);
                    require(key.getTagName().equals("key"), file, "<dict> entry " + (i / 2 + 1) + " starts with <"
                            + key.getTagName() + "> instead of <key>");
                    require(i + 1 < entries.size(), file, "<key>" + key.getTextContent() + "</key> has no value");
                    Element valueElement = entries.get(i + 1);
                    require(!valueElement.getTagName().equals("key"), file, "<key>" + key.getTextContent()
                            + "</key> is followed by another <key>");
                    require(!key.getTextContent().isEmpty(), file, "an empty <key>");
                    require(dict.put(key.getTextContent(), value(valueElement, file)) == null, file,
                            "duplicate key " + key.getTextContent());
                }
                return dict;
            }
            default:
                throw new IOException(file + ": <" + element.getTagName() + "> is not a property-list element");
        }
    }

    /** Child elements; text between them must be blank, comments are fine. */
    private static List<Element> children(Element parent, Path file) throws IOException {
        List<Element> elements = new ArrayList<>();
        boolean leaf = List.of("string", "integer", "real", "date", "data", "key").contains(parent.getTagName());
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node.getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) node);
            } else if (node.getNodeType() == Node.TEXT_NODE && !leaf) {
                require(node.getTextContent().isBlank(), file, "text '" + node.getTextContent().strip()
                        + "' directly in <" + parent.getTagName() + ">");
            }
        }
        return elements;
    }

    private static void require(boolean condition, Path file, String problem) throws IOException {
        if (!condition) {
            throw new IOException(file + ": " + problem);
        }
    }
}
