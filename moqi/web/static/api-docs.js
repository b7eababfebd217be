// The API documentation page (/docs): Swagger UI over the OpenAPI description.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
